import { setUpTestRun, tearDownTestRun } from './support/env.js';
import { stopPrism } from './support/prism.js';
import { testSeed } from './support/random.js';

/** Root hooks: one database and one Redis prefix for the whole run, removed afterwards. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    await setUpTestRun();
  },
  afterEach(this: Mocha.Context) {
    if (this.currentTest?.state === 'failed')
      console.log(
        `      (random sequence seeded with ${testSeed}: TEST_SEED=${testSeed} npm test replays it)`,
      );
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    stopPrism();
    await tearDownTestRun();
  },
};
