// @ts-check
/**
 * Cells of `npm run bench`'s tables that are easy to get wrong, kept apart so a test
 * holds them to what the measured phase printed.
 */

/**
 * "from rules": how many catalog entries the rules phase read from a recording rule,
 * out of the entries a rule can serve (`ruleEntries`, counted from the catalog by the
 * phase itself). A phase that did not say how many there are gets `?`, never a number
 * that only looks measured.
 *
 * @param {{ rules?: number }} fetch the phase's fetch figures
 * @param {number | undefined} ruleEntries
 */
function ruleServedCell(fetch, ruleEntries) {
  const served = typeof fetch?.rules === 'number' ? fetch.rules : '?';
  const of =
    typeof ruleEntries === 'number' && Number.isInteger(ruleEntries)
      ? ruleEntries
      : '?';
  return `${served}/${of}`;
}

module.exports = { ruleServedCell };
