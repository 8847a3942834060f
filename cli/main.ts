import { registerConvert } from './commands/convert';
import { registerDoctor } from './commands/doctor';
import { registerExport } from './commands/export';
import { registerJobs } from './commands/jobs';
import { registerLabelers } from './commands/labelers';
import { registerLocal } from './commands/local';
import { registerStart } from './commands/start';
import { registerStatus } from './commands/status';
import { registerValidateImages } from './commands/validate-images';
import { registerWeb } from './commands/web';

import { newProgram, runProgram } from './program';

const program = newProgram();

registerStart(program);
registerLocal(program);
registerConvert(program);
registerExport(program);
registerStatus(program);
registerDoctor(program);
registerValidateImages(program);
registerWeb(program);
registerLabelers(program);
registerJobs(program);

runProgram(program);
