import '@testing-library/jest-dom';

// CI runs every jest project at once on two cores; a component test that types, selects and
// pages through a whole form (a dozen user-event steps, each re-rendering a table) has been
// seen to need more than jest's default 5 s there. Assertions stay as strict as they are.
jest.setTimeout(30_000);
