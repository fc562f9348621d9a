import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { NotFoundError } from '../platform/errors.js';
import { sendVendorScript } from '../platform/http.js';
import { softphoneSound } from './softphone-sounds.js';

// From the sources, whether this module runs from src/ (tsx) or from the build in dist/ (node).
const publicDir = fileURLToPath(new URL('../../src/panel/public', import.meta.url));

/**
 * Where the Twilio Voice SDK's browser bundle lies in node_modules: the package exports only its
 * CommonJS/ESM entries, so the bundle is found beside the resolved entry (`es5/twilio.js`).
 */
export function voiceSdkBundlePath(): string {
  const entry = createRequire(import.meta.url).resolve('@twilio/voice-sdk');
  return join(dirname(entry), '..', 'dist', 'twilio.min.js');
}

/** Where `npm run build` leaves JsSIP's browser bundle (the web process may run without esbuild, a dev dependency). */
export const JSSIP_BUNDLE_PATH = fileURLToPath(
  new URL('../../dist/vendor/jssip.min.js', import.meta.url),
);

/**
 * JsSIP for the browser, as one script that sets `window.JsSIP`: the package ships CommonJS only,
 * so its entry is bundled with esbuild (tsx's bundler).
 */
export async function bundleJssip(): Promise<Uint8Array> {
  const { build } = await import('esbuild');
  const entry = createRequire(import.meta.url).resolve('jssip');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'JsSIP',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
}

let jssipBundle: Promise<Uint8Array> | undefined;

/** The bundle the build left, else (running from the sources) one bundled on the first request; kept. */
function jssipBrowserBundle(): Promise<Uint8Array> {
  jssipBundle ??= existsSync(JSSIP_BUNDLE_PATH) ? readFile(JSSIP_BUNDLE_PATH) : bundleJssip();
  jssipBundle.catch(() => (jssipBundle = undefined));
  return jssipBundle;
}

/**
 * The agents' softphone panel and the supervisors' wallboard: static pages (mounted under
 * /panel), and the softphones' libraries under /panel/vendor/: the Twilio Voice SDK's browser
 * bundle from node_modules with its sounds made by the app (`vendor/sounds/<name>.wav`), and JsSIP (the SIP-over-WebSocket softphone of providers without it).
 * Every page reads and writes through the /api routes with the staff session cookie.
 */
export function createPanelRoutes(): Router {
  const router = Router();
  router.get('/vendor/twilio.min.js', sendVendorScript(voiceSdkBundlePath()));
  router.get('/vendor/sounds/:file', (req, res) => {
    const name = /^(\w+)\.wav$/.exec(req.params.file)?.[1];
    const sound = name ? softphoneSound(name) : undefined;
    if (!sound) throw new NotFoundError('没有这个提示音');
    res.type('audio/wav').set('Cache-Control', 'public, max-age=86400').send(sound);
  });
  router.get('/vendor/jssip.min.js', async (_req, res) => {
    res
      .type('application/javascript')
      .set('Cache-Control', 'public, max-age=86400')
      .send(Buffer.from(await jssipBrowserBundle()));
  });
  // The login form posts here only when its script did not load: the body (with the password) is
  // never read, and the person is told what to do. A form that fell back to GET would put the
  // password in the URL, in the history and in proxy logs.
  router.post('/no-script', (_req, res) => {
    res
      .status(400)
      .type('html')
      .send(
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>无法登录</title><p>页面脚本未能加载，无法登录。请刷新页面后重试；如仍无法登录，请联系系统管理员。</p><p><a href="/panel/">返回登录页</a></p></html>',
      );
  });
  router.use(express.static(publicDir, { index: 'index.html', maxAge: 0 }));
  return router;
}
