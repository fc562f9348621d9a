import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleJssip, JSSIP_BUNDLE_PATH } from '../src/panel/index.js';

// `npm run build`: JsSIP's browser bundle into dist/vendor/, so that the web process serves it without esbuild.
mkdirSync(dirname(JSSIP_BUNDLE_PATH), { recursive: true });
writeFileSync(JSSIP_BUNDLE_PATH, await bundleJssip());
console.log(`bundled JsSIP into ${JSSIP_BUNDLE_PATH}`);
