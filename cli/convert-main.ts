import { registerConvert } from './commands/convert';
import { newProgram, runProgram } from './program';

/**
 * `labeling-pipeline convert` on its own: bin.cjs bundles this entry and runs the bundle with
 * the PostProcess Lambda's heap flags, so the conversion starts without tsx or the other
 * commands' modules (the AWS SDK among them) in its time and memory.
 */
runProgram(registerConvert(newProgram()));
