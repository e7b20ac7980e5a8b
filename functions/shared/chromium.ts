// Headless Chromium for the browser tests, the screenshots and the DPIA document's PDF: by default the
// build shipped inside the npm package @sparticuz/chromium (pinned in package-lock.json, so `npm ci`
// alone brings it, and the same build runs in Lambda); DPIA_CHROMIUM names another one instead
// (e.g. Debian's /usr/bin/chromium). In a Lambda bundle, where node_modules is gone, DPIA_CHROMIUM_BIN
// names the copy of the package's bin/ directory that the deployment put beside the code.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Chromium from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';

/** Chromium connects to Google's hosts at start; this machine's (and Lambda's) network refuses them. */
const QUIET = [
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
  env: Record<string, string>;
}

/** Where to find Chromium and how to start it, extracting the packaged build the first time. */
export async function chromiumLaunch(singleProcess = false): Promise<ChromiumLaunch> {
  const own = process.env.DPIA_CHROMIUM;
  if (own) {
    if (!existsSync(own)) {
      throw new Error(
        `DPIA_CHROMIUM names ${own}, which does not exist: unset it to use the packaged Chromium`,
      );
    }
    return {
      executablePath: own,
      args: ['--no-sandbox', '--disable-gpu', ...QUIET],
      env: stringEnv(process.env),
    };
  }
  Chromium.setGraphicsMode = false;
  const executablePath = await extractPackaged();
  return {
    executablePath,
    // The package's flags are tuned for Lambda, where the browser must run in a single process;
    // elsewhere that mode ends the browser when a context closes, which tests do between steps.
    args: [...Chromium.args.filter((a) => a !== '--single-process' || singleProcess), ...QUIET],
    // The package's fonts (extracted beside the binary), so documents render the same everywhere.
    env: { ...stringEnv(process.env), FONTCONFIG_PATH: join(tmpdir(), 'fonts') },
  };
}

export async function launchChromium(): Promise<Browser> {
  const { executablePath, args, env } = await chromiumLaunch();
  return chromium.launch({ executablePath, args, env, headless: true });
}

/**
 * @sparticuz/chromium inflates its binary, fonts and libraries into the temp directory and reuses
 * whatever is there. Two processes extracting at once (two test workers) or one killed mid-way
 * would leave a half-written binary for the next, so extraction runs under a lock directory and
 * finishes by writing a marker naming the package version; without the marker, start again.
 */
async function extractPackaged(): Promise<string> {
  const ready = join(tmpdir(), `camera-dpia-chromium-${packageVersion()}.ready`);
  const lock = join(tmpdir(), 'camera-dpia-chromium.lock');
  const binary = join(tmpdir(), 'chromium');
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (existsSync(ready) && existsSync(binary)) return binary;
    if (Date.now() > deadline)
      throw new Error(`gave up waiting for another process to extract Chromium (${lock})`);
    try {
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (ageMs(lock) > 60_000) rmSync(lock, { recursive: true, force: true });
      else await sleep(100);
      continue;
    }
    try {
      for (const leftover of ['chromium', 'fonts', 'libGLESv2.so']) {
        rmSync(join(tmpdir(), leftover), { recursive: true, force: true });
      }
      const path = await Chromium.executablePath(packagedBin());
      writeFileSync(ready, path);
      return path;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** The package's bin/ directory: DPIA_CHROMIUM_BIN when set (a bundle), else node_modules (the package's default). */
const packagedBin = (): string | undefined => process.env.DPIA_CHROMIUM_BIN || undefined;

function packageVersion(): string {
  const bin = packagedBin();
  // The deployment copies the package's package.json beside bin/, so the marker names the version there too.
  const manifestPath = bin
    ? join(bin, '..', 'package.json')
    : join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string };
  return manifest.version;
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
