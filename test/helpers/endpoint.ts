/** The sandbox endpoint of a service; fails the test if the sandbox does not serve it. */
export function endpointOf(endpoints: Readonly<Record<string, string>>, service: string): string {
  const endpoint = endpoints[service];
  if (endpoint === undefined) throw new Error(`the sandbox has no ${service} endpoint`);
  return endpoint;
}
