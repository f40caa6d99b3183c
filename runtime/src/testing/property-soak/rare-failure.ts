import fc from 'fast-check';

/**
 * Fixture of property-soak.test.ts: a property that fails about once in a thousand
 * runs (one value of a thousand), so that one fc.assert of 100 runs, as a CI run
 * makes it, nearly always passes, and a soak finds the failure within a second.
 */
export const RARE_VALUE = 777;

export const rareProperty = fc.property(fc.integer({ min: 0, max: 999 }), (n) => n !== RARE_VALUE);

/** Run as a program (`node --import register.js rare-failure.js`): one assert of 100 runs. */
export function main(): void {
  fc.assert(rareProperty, { numRuns: 100 });
}
