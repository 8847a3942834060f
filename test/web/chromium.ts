import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Which Chromium the browser tests drive, first that applies: `CHROMIUM_PATH`, Debian's package,
 * else the Chromium that `@sparticuz/chromium` ships inside its npm package, so `npm install &&
 * npm test` needs nothing installed by hand (Playwright cannot download browsers here).
 * `CHROMIUM_PATH=npm` picks the npm one on a machine that has Debian's.
 */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

const ROOT = join(__dirname, '..', '..');
const NPM_PACKAGE = join(ROOT, 'node_modules', '@sparticuz', 'chromium');

export type ChromiumChoice = { source: 'CHROMIUM_PATH' | 'debian'; executablePath: string } | { source: 'npm' };

export interface Chromium {
  source: ChromiumChoice['source'];
  executablePath: string;
  /** Extra environment for the browser process (the npm build's bundled libraries and fonts). */
  env: Record<string, string>;
}

/** The choice, in order; `exists` is a parameter so the order is tested on any machine. */
export const chooseChromium = (
  env: NodeJS.ProcessEnv,
  exists: (path: string) => boolean,
  debian = DEBIAN_CHROMIUM,
): ChromiumChoice => {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv === 'npm') return { source: 'npm' };
  if (fromEnv) {
    if (!exists(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv}: no such file`);
    return { source: 'CHROMIUM_PATH', executablePath: fromEnv };
  }
  if (exists(debian)) return { source: 'debian', executablePath: debian };
  return { source: 'npm' };
};

/*
 * The package is an ES module that unpacks into os.tmpdir(); Jest's module system cannot load it,
 * so a child Node unpacks it with TMPDIR pointed at a staging folder. Its al2023 libraries (NSS,
 * NSPR, expat) are unpacked too: a fresh Debian without the chromium package lacks them.
 */
const UNPACK = `import Chromium, { inflate } from '@sparticuz/chromium';
await Chromium.executablePath();
await inflate(process.argv[1]);`;

/** Its fonts.conf names Lambda's folders; this one adds the bundled font to the system's. */
const fontsConf = (fonts: string): string =>
  `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>${fonts}</dir>\n</fontconfig>\n`;

/** Unpacks into `dir` once: staged, then renamed, so parallel Jest workers never see half a binary. */
const unpackOnce = async (dir: string): Promise<void> => {
  if (existsSync(join(dir, 'chromium'))) return;
  await mkdir(join(dir, '..'), { recursive: true });
  const staging = await mkdtemp(`${dir}.partial-`);
  try {
    await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', UNPACK, join(NPM_PACKAGE, 'bin', 'al2023.tar.br')],
      { cwd: ROOT, env: { ...process.env, TMPDIR: staging }, timeout: 300_000 },
    );
    await writeFile(join(staging, 'fonts.conf'), fontsConf(join(dir, 'fonts', 'fonts')));
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, 'chromium'))) throw error; // else another worker unpacked it first
  }
};

/** The npm package's Chromium, unpacked under node_modules/.cache (per package version). */
export const npmChromium = async (): Promise<Chromium> => {
  const { version } = JSON.parse(await readFile(join(NPM_PACKAGE, 'package.json'), 'utf8')) as { version: string };
  const dir = join(ROOT, 'node_modules', '.cache', `sparticuz-chromium-${version}`);
  await unpackOnce(dir);
  const libraries = [join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return {
    source: 'npm',
    executablePath: join(dir, 'chromium'),
    env: { LD_LIBRARY_PATH: libraries, FONTCONFIG_FILE: join(dir, 'fonts.conf') },
  };
};

export const findChromium = async (env: NodeJS.ProcessEnv = process.env): Promise<Chromium> => {
  const choice = chooseChromium(env, existsSync);
  return choice.source === 'npm' ? npmChromium() : { ...choice, env: {} };
};
