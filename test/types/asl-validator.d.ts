// asl-validator ships no type declarations; this covers the one call the tests make.
declare module 'asl-validator' {
  interface AslValidatorResult {
    readonly isValid: boolean;
    readonly errors: readonly unknown[];
  }
  export default function aslValidator(definition: unknown, options?: { checkArn?: boolean; checkPaths?: boolean }): AslValidatorResult;
}
