import { Command } from 'commander';

/** The `labeling-pipeline` program, without commands: the full CLI and the lean `convert` entry share it. */
export const newProgram = (): Command =>
  new Command('labeling-pipeline')
    .description(
      'Turn an S3 image batch into a labeled Rekognition Custom Labels dataset (built-in labeling or SageMaker Ground Truth)',
    )
    .showHelpAfterError();

/** Runs the program on the process's arguments; an error ends it with its message and exit code 1. */
export const runProgram = (program: Command): void => {
  program.parseAsync(process.argv).catch((error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
};
