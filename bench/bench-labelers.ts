export interface BenchLabeler {
  sub: string;
  email: string;
  groups: string[];
  admin: boolean;
}

/** A labeler of the bench, one per timed request, so no request meets another's lease or answer. */
export const benchLabeler = (role: string, index: number): BenchLabeler => ({
  sub: `bench-${role}-${index}`,
  email: `${role}-${index}@example.com`,
  groups: [],
  admin: false,
});
