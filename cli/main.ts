import { Command } from 'commander';
import { registerConvert } from './commands/convert';
import { registerDoctor } from './commands/doctor';
import { registerJobs } from './commands/jobs';
import { registerLabelers } from './commands/labelers';
import { registerLocal } from './commands/local';
import { registerStart } from './commands/start';
import { registerStatus } from './commands/status';
import { registerValidateImages } from './commands/validate-images';
import { registerWeb } from './commands/web';

const program = new Command('labeling-pipeline')
  .description(
    'Turn an S3 image batch into a labeled Rekognition Custom Labels dataset (built-in labeling or SageMaker Ground Truth)',
  )
  .showHelpAfterError();

registerStart(program);
registerLocal(program);
registerConvert(program);
registerStatus(program);
registerDoctor(program);
registerValidateImages(program);
registerWeb(program);
registerLabelers(program);
registerJobs(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
