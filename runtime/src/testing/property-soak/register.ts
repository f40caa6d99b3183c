import { register } from 'node:module';

/**
 * `node --import .../property-soak/register.js FILE.test.js`: FILE's `fast-check`
 * becomes fast-check-soak.js (hooks.ts), which runs every `fc.assert` many times
 * over (see there). Used by scripts/property-soak.sh; never by the test suite.
 */
register('./hooks.js', import.meta.url);
