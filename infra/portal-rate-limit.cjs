// The WAF rule's limit as the number the template needs: the stage parameter portalRateLimit when set
// (the packaging check in ground-truth-region-check.cjs refuses what WAF would not take), else WAF's
// smallest limit, so the template stays valid while the PortalRateLimited condition leaves the web ACL out.
const WAF_MIN_RATE_LIMIT = 10;

module.exports = async ({ resolveVariable }) => {
  const limit = await resolveVariable('param:portalRateLimit');
  return limit === '' || limit === undefined || limit === null ? WAF_MIN_RATE_LIMIT : Number(limit);
};
