import { InvalidArgumentError, Option } from 'commander';

/**
 * The shape of AWS region names (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html):
 * an area, an optional partition part (gov, iso...), a direction and a number, as in us-east-1,
 * eu-central-2, us-gov-west-1 or ap-southeast-5. The SDK takes any string and fails later with a DNS error.
 */
const REGION_NAME =
  /^(af|ap|ca|cn|eu|il|me|mx|sa|us)(-gov|-iso[a-z]?)?-(central|north|south|east|west|northeast|northwest|southeast|southwest)-\d{1,2}$/;

/** Commander's parser for `--region`: refuses what is not the name of an AWS region. */
export const parseRegion = (value: string): string => {
  if (!REGION_NAME.test(value)) {
    throw new InvalidArgumentError(
      `"${value}" is not an AWS region name: a region is <area>-<direction>-<number>, such as us-east-1, eu-west-2 or ap-southeast-2`,
    );
  }
  return value;
};

/** The `--region` option every AWS command takes, checked before any AWS call. */
export const regionOption = (description = 'the AWS region of the stack (default: AWS_REGION or your profile)') =>
  new Option('--region <region>', description).argParser(parseRegion);
