module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // This package tests the backend plugin from the outside, as an adopter's backend would.
    '@backstage/no-mixed-plugin-imports': 'off',
  },
});
