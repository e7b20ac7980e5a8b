// dynalite ships no types; the unit fakes use only its expression validator.
declare module 'dynalite/validations/index.js' {
  const validations: { validateExpressions: (request: Record<string, unknown>) => string | undefined };
  export default validations;
}
