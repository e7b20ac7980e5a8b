// Fills `${Name}` placeholders in a state-machine definition, as the CDK's
// definitionSubstitutions does on AWS, so the one ASL file runs in both places.
export function substituteDefinition(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(`No value for placeholder ${whole} in the state-machine definition`);
    return value;
  });
}
