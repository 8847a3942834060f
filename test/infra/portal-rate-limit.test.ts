// The WAF rule's limit is resolved at package time (infra/portal-rate-limit.cjs): a number in the
// template whatever the stage parameter, so cfn-lint and CloudFormation take the template.
const portalRateLimit = require('../../infra/portal-rate-limit.cjs') as (source: {
  resolveVariable: (name: string) => Promise<unknown>;
}) => Promise<number>;

const given = (value: string) => ({
  resolveVariable: async (name: string) => {
    if (name !== 'param:portalRateLimit') throw new Error(`unexpected ${name}`);
    return value;
  },
});

describe('portal rate limit', () => {
  it('is the stage parameter as a number when set', async () => {
    await expect(portalRateLimit(given('1000'))).resolves.toBe(1000);
  });

  it("is WAF's smallest limit when unset, while the condition leaves the web ACL out", async () => {
    await expect(portalRateLimit(given(''))).resolves.toBe(10);
  });
});
