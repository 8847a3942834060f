// The packaging plugin, driven as the framework drives it: which checks apply depends on labelingBackend.
const RegionCheck = require('../../infra/ground-truth-region-check.cjs');

class FrameworkError extends Error {}
const plugin = (params: Record<string, string>, region = 'us-east-1') =>
  new RegionCheck(
    {
      service: {
        provider: { region, stage: 'dev' },
        params: { default: { labelingBackend: 'builtin', workteamArn: '', createWorkforce: 'false' } },
      },
      classes: { Error: FrameworkError },
    },
    { param: Object.entries(params).map(([k, v]) => `${k}=${v}`) },
  );

describe('region and workteam check', () => {
  it('deploys the built-in backend with no workteam', () => {
    expect(() => plugin({}).hooks['before:deploy:deploy']()).not.toThrow();
    expect(() => plugin({}).hooks['before:package:initialize']()).not.toThrow();
  });

  it('asks the ground-truth backend for a workteam or a created workforce', () => {
    expect(() => plugin({ labelingBackend: 'ground-truth' }).hooks['before:deploy:deploy']()).toThrow(
      'needs a workteam',
    );
    expect(() =>
      plugin({
        labelingBackend: 'ground-truth',
        workteamArn: 'arn:aws:sagemaker:us-east-1:1:workteam/private-crowd/t',
      }).hooks['before:deploy:deploy'](),
    ).not.toThrow();
  });

  it('checks Ground Truth regions for ground-truth and Custom Labels regions for builtin', () => {
    expect(() =>
      plugin({ labelingBackend: 'ground-truth' }, 'ca-central-1').hooks['before:package:initialize'](),
    ).not.toThrow();
    expect(() => plugin({}, 'ca-central-1').hooks['before:package:initialize']()).toThrow(
      'no Rekognition Custom Labels',
    );
    expect(() => plugin({ labelingBackend: 'sagemaker' }).hooks['before:package:initialize']()).toThrow(
      'labelingBackend must be one of',
    );
  });
});
