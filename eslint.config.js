// Type-aware linting: a floating promise in a store is a lost write, so those rules are errors.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** A folder may not import these (nor isomorphic-git, outside src/git). */
function layer(files, group, paths = []) {
  const isoGit = files === 'src/git/**' ? [] : [{ name: 'isomorphic-git', message: 'only src/git imports isomorphic-git' }]
  return {
    files: [files],
    rules: {
      'no-restricted-imports': ['error', { paths: [...isoGit, ...paths], patterns: [{ group, message: `${files} may not import this layer (see the folder READMEs)` }] }],
    },
  }
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // The layers you can see from the folder names, enforced (issue #16): pure model code never
  // touches disk or git, io/ knows no git formats, only git/ imports isomorphic-git and knows the
  // .git layout, and the CLI is a shell over the library's public entry point.
  layer('src/model/**', ['../io/*', '../git/*', '../store/*', '../cli/*', 'node:fs', 'node:fs/promises', 'node:child_process', 'proper-lockfile']),
  layer('src/io/**', ['../git/*', '../store/*', '../cli/*', '../model/*']),
  layer('src/git/**', ['../store/*', '../cli/*']),
  layer('src/store/**', ['../cli/*', '../git/core.js'], [{ name: '../git/repository.js', importNames: ['repoCore'], message: 'repoCore is internal to src/git' }]),
  layer('src/cli/**', ['**/git/*', '**/io/*', '**/store/*']),
  {
    // expectTypeOf(store.method) inspects a type; nothing is called with a lost `this`.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
)
