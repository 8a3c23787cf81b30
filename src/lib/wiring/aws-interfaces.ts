import { ec2Describer } from '../ec2/ec2-client.js';
import { Ec2InterfaceDirectory } from '../ec2/ec2-interface-directory.js';
import type { InterfaceDirectory } from '../ports.js';

/** The interfaces function's one adapter: EC2 DescribeNetworkInterfaces with its client made once per cold start. */
export function ec2InterfaceDirectory(): InterfaceDirectory {
  return new Ec2InterfaceDirectory(ec2Describer());
}
