import { Command } from 'commander';
import { registerConvert } from './commands/convert';
import { registerDoctor } from './commands/doctor';
import { registerLocal } from './commands/local';
import { registerStart } from './commands/start';
import { registerStatus } from './commands/status';
import { registerValidateImages } from './commands/validate-images';

const program = new Command('labeling-pipeline')
  .description('Turn an S3 image batch into a labeled Rekognition Custom Labels dataset via SageMaker Ground Truth')
  .showHelpAfterError();

registerStart(program);
registerLocal(program);
registerConvert(program);
registerStatus(program);
registerDoctor(program);
registerValidateImages(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
