// Serverless plugin: refuses to package or deploy where the pipeline cannot work, before any AWS call.
// - Ground Truth's built-in PRE-/ACS-BoundingBox Lambdas exist in 12 regions only (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HumanTaskConfig.html).
// - A deploy needs a workteam: an existing one (param workteamArn) or one created here (createWorkforce=true).
const { require: tsxRequire } = require('tsx/cjs/api');

const { GROUND_TRUTH_REGIONS } = tsxRequire(
  '../functions/labeling/ground-truth/rules/ground-truth-regions.ts',
  __filename,
);

class GroundTruthRegionCheck {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = {
      'before:package:initialize': () => this.checkRegion(),
      'before:deploy:deploy': () => this.checkWorkteam(),
    };
  }

  fail(message) {
    throw new this.serverless.classes.Error(message);
  }

  checkRegion() {
    const region = this.options.region ?? this.serverless.service.provider.region;
    const supported = Object.keys(GROUND_TRUTH_REGIONS);
    if (!supported.includes(region)) {
      this.fail(
        `Region ${region} has no Ground Truth bounding-box Lambdas (PRE-/ACS-BoundingBox). ` +
          `Deploy to one of: ${supported.join(', ')}.`,
      );
    }
  }

  checkWorkteam() {
    const params = this.serverless.service.params ?? {};
    const stage = this.options.stage ?? this.serverless.service.provider.stage;
    const cli = Object.fromEntries((this.options.param ?? []).map((p) => p.split(/=(.*)/s).slice(0, 2)));
    const value = (name) => cli[name] ?? params[stage]?.[name] ?? params.default?.[name] ?? '';
    if (value('createWorkforce') !== 'true' && !/^arn:aws[a-z-]*:sagemaker:/.test(value('workteamArn'))) {
      this.fail(
        'Set --param "workteamArn=arn:aws:sagemaker:<region>:<account>:workteam/private-crowd/<team>" or --param "createWorkforce=true".',
      );
    }
  }
}

module.exports = GroundTruthRegionCheck;
