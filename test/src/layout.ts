/**
 * Layout checks for the browser e2e suites, run inside the page: what a user at
 * 1280×800 would see as broken.
 */
import { Page } from 'playwright-core';

/**
 * Words inside the matched elements that break across lines (`broken word: …`) and,
 * with `overflow`, elements whose content is wider than their box (clipped, or spilling
 * over a neighbour). Each text node's words are measured on their own, so icons and
 * line breaks between words do not count.
 */
export async function layoutProblems(
  page: Page,
  selector: string,
  options: { overflow?: boolean } = {},
): Promise<string[]> {
  return page.$$eval(
    selector,
    (roots, overflow) =>
      roots.flatMap(root => {
        const found: string[] = [];
        const elements = overflow ? [root, ...root.querySelectorAll('*')] : [];
        for (const el of elements) {
          if (
            el instanceof HTMLElement &&
            el.clientWidth > 0 &&
            el.scrollWidth > el.clientWidth + 1
          ) {
            found.push(
              `overflow: <${el.tagName.toLowerCase()}> "${el.innerText
                .trim()
                .slice(0, 60)}" (${el.scrollWidth} > ${el.clientWidth} px)`,
            );
          }
        }
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? '';
          for (const match of text.matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index!);
            range.setEnd(node, match.index! + match[0].length);
            const tops = new Set(
              [...range.getClientRects()].map(r => Math.round(r.top)),
            );
            if (tops.size > 1) found.push(`broken word: ${match[0]}`);
          }
        }
        return found;
      }),
    Boolean(options.overflow),
  );
}

/** The words inside the matched elements that break across lines. */
export async function wrappedMidWord(
  page: Page,
  selector: string,
): Promise<string[]> {
  return (await layoutProblems(page, selector)).map(p =>
    p.replace(/^broken word: /, ''),
  );
}
