// ESLint flat config: recommended JavaScript rules, typescript-eslint's type-aware rules, and Prettier last
// (eslint-config-prettier turns off every rule that only concerns layout, which Prettier owns).
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * The project's rule for `any` (and for every other disabled rule): say why. An eslint-disable comment must carry
 * a reason after ` -- `, e.g. `// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK types this as any`.
 */
const requireDisableReason = {
  meta: {
    type: 'suggestion',
    docs: { description: 'require a reason (after " -- ") on eslint-disable comments' },
    schema: [],
    messages: { missing: 'Say why the rule is disabled: add " -- <reason>" to this eslint-disable comment.' },
  },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const text = comment.value.trim();
          if (!/^eslint-disable(?:-next-line|-line)?(?:\s|$)/.test(text)) continue;
          if (!/\s--\s*\S/.test(text)) context.report({ loc: comment.loc, messageId: 'missing' });
        }
      },
    };
  },
};

export default defineConfig(
  {
    ignores: ['dist/', 'node_modules/', 'coverage/', 'backups/', 'data/', 'adapters/teams/appPackage/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { local: { rules: { 'require-disable-reason': requireDisableReason } } },
    rules: {
      'local/require-disable-reason': 'error',

      // Promises: every promise is awaited, returned, or explicitly voided; none is handed where a void callback is expected.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],

      // A switch over a union names every member, even when it has a `default`, so a new member is seen wherever it is switched on.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false, allowDefaultCaseForExhaustiveSwitch: true }],

      // Types are imported with `import type` (or an inline `type` specifier), so the emitted JS never loads a module for a type.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',

      // No `any` without a comment saying why (an eslint-disable-next-line with a reason).
      '@typescript-eslint/no-explicit-any': 'error',

      // A few of the strict set's checks that find bugs rather than style.
      '@typescript-eslint/no-deprecated': 'error',
      '@typescript-eslint/use-unknown-in-catch-callback-variable': 'error',
      // Numbers and booleans read fine in a template; `undefined`, `null`, objects and `any` usually mean a bug in a message.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowAny: false, allowNullish: false, allowRegExp: false, allowNever: false },
      ],

      // Unused names: tsc's noUnusedLocals already reports locals; parameters and destructured leftovers may be named `_x`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],

      // Not enabled: no-non-null-assertion (commands read zod-validated optional arguments with `!`, and tests look inside
      // results they have just checked) and no-unnecessary-condition (with noUncheckedIndexedAccess off, it would call
      // the guards on index and record look-ups unnecessary).

      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // The app logs through its logger (pino) and the terminal adapter writes to its own stream; only benchmarks and scripts print.
    files: ['src/**/*.ts', 'adapters/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Plain JavaScript config files are not part of the TypeScript project: lint them without type information.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  prettier,
);
