/** The seeded PRNG moved to the service (src/platform/random.ts): training calls draw their callers with it too. */
export { createRandom, type Random } from '../../src/platform/random.js';
