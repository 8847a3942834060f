import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * The one door to zod: import it as `import * as z from '.../kernel/schema'`. The mini build
 * tree-shakes to what a bundle uses (about 16 KB against classic zod's 443 KB, ~3 ms of cold
 * import against ~35) but ships no messages: the English locale, loaded here once, gives every
 * issue the text classic zod prints, which `InvalidInput` and the API's 400s quote.
 * Re-exported with `export *`, not as a `z` object: esbuild tree-shakes property accesses on a
 * namespace import, but a namespace object passed along as a value keeps all of zod (every
 * locale too, ~430 KB).
 */
config(en());

export * from 'zod/mini';
