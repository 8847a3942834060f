// Serverless plugin: refuses to package or deploy where the pipeline cannot work, before any AWS call.
// The stage parameter `labelingBackend` (default `builtin`) says what the region must offer:
// - ground-truth: Ground Truth's built-in PRE-/ACS-BoundingBox Lambdas exist in 12 regions only
//   (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HumanTaskConfig.html), and a deploy needs a
//   workteam: an existing one (param workteamArn) or one created here (createWorkforce=true).
// - builtin: nothing of Ground Truth, but Rekognition Custom Labels, where the dataset goes (builtin-regions.ts).
const { require: tsxRequire } = require('tsx/cjs/api');

// Under jest, TypeScript is already compiled on require; the framework needs tsx for it.
const load = (path) => (process.env.JEST_WORKER_ID ? require(path) : tsxRequire(path, __filename));
const { GROUND_TRUTH_REGIONS } = load('../functions/labeling/ground-truth/contracts/ground-truth-regions.ts');
const { CUSTOM_LABELS_REGIONS } = load('../functions/labeling/builtin/contracts/builtin-regions.ts');

const { LABELING_BACKENDS: BACKENDS } = load('../functions/kernel/contracts/step-io.ts');

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

  param(name) {
    const params = this.serverless.service.params ?? {};
    const stage = this.options.stage ?? this.serverless.service.provider.stage;
    const cli = Object.fromEntries((this.options.param ?? []).map((p) => p.split(/=(.*)/s).slice(0, 2)));
    return cli[name] ?? params[stage]?.[name] ?? params.default?.[name] ?? '';
  }

  backend() {
    const backend = this.param('labelingBackend') || 'builtin';
    if (!BACKENDS.includes(backend)) {
      this.fail(`labelingBackend must be one of ${BACKENDS.join(', ')}, not "${backend}".`);
    }
    return backend;
  }

  checkRegion() {
    const region = this.options.region ?? this.serverless.service.provider.region;
    this.checkPortalRateLimit(region);
    if (this.backend() === 'ground-truth') {
      const supported = Object.keys(GROUND_TRUTH_REGIONS);
      if (!supported.includes(region)) {
        this.fail(
          `Region ${region} has no Ground Truth bounding-box Lambdas (PRE-/ACS-BoundingBox). ` +
            `Deploy to one of: ${supported.join(', ')}, or use --param labelingBackend=builtin.`,
        );
      }
      return;
    }
    if (!CUSTOM_LABELS_REGIONS.includes(region)) {
      this.fail(
        `Region ${region} has no Rekognition Custom Labels, where the labeled dataset goes. ` +
          `Deploy to one of: ${CUSTOM_LABELS_REGIONS.join(', ')}.`,
      );
    }
  }

  // A web ACL for CloudFront is created in us-east-1 only (AWS WAF Developer Guide, "Resources you can protect");
  // WAF's rate-based rules take 10 to 2,000,000,000 requests per window.
  checkPortalRateLimit(region) {
    const limit = this.param('portalRateLimit');
    if (limit === '') return;
    if (!/^\d+$/.test(limit) || Number(limit) < 10 || Number(limit) > 2_000_000_000) {
      this.fail(`portalRateLimit must be a number of requests per 5 minutes from 10 to 2000000000, not "${limit}".`);
    }
    if (region !== 'us-east-1') {
      this.fail(
        `portalRateLimit creates a CloudFront web ACL, which AWS WAF creates in us-east-1 only; this stack deploys to ${region}. ` +
          'Create a rate-based web ACL (scope CLOUDFRONT) in us-east-1 and pass --param "portalWebAclArn=<its ARN>" instead.',
      );
    }
    if (this.param('portalWebAclArn') !== '') this.fail('Set portalRateLimit or portalWebAclArn, not both.');
  }

  checkWorkteam() {
    if (this.backend() !== 'ground-truth') return;
    if (this.param('createWorkforce') !== 'true' && !/^arn:aws[a-z-]*:sagemaker:/.test(this.param('workteamArn'))) {
      this.fail(
        'The ground-truth backend needs a workteam: set --param "workteamArn=arn:aws:sagemaker:<region>:<account>:workteam/private-crowd/<team>" or --param "createWorkforce=true".',
      );
    }
  }
}

module.exports = GroundTruthRegionCheck;
