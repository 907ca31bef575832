// ESLint flat config. The purity rule (src/README.md, convention 2) keeps I/O, clocks and timers out of protocol code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = ['ws', 'uWebSockets.js', '@trufflesuite/uws-js-unofficial', '@btc-vision/uwebsockets.js',
  'node:net', 'net', 'node:http', 'http', 'node:https', 'https', 'node:fs', 'fs', 'node:fs/promises',
  'pino', 'pino-roll', 'prom-client', 'p-retry', 'node:timers', 'timers'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'logs/**', 'bench/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/exchanges/**/*.ts', 'src/book/**/*.ts', 'src/server/protocol.ts', 'src/server/serializers.ts', 'src/server/book-window.ts', 'src/core/**/*.ts',
      'src/tools/status-view.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ioModules.map((name) => ({ name, message: 'Pure code: no I/O here (src/README.md, convention 2).' })) }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'Pure code takes time as an argument.' },
        { name: 'setInterval', message: 'Pure code takes time as an argument.' },
        { name: 'setImmediate', message: 'Pure code takes time as an argument.' },
        { name: 'process', message: 'Only src/config reads the environment.' }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Pure code takes time as an argument.' },
        { object: 'performance', property: 'now', message: 'Pure code takes time as an argument.' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pure code takes time as an argument.' }],
    },
  },
);
