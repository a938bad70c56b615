// Plain-Node unit tests: src/core and src/simulator, fake clock, loopback sockets only.
const { runMocha } = require('../support/mochaSuite');

module.exports = {
  name: 'unit',
  order: 10,
  async run({ root }) {
    return runMocha(root, ['out/test/unit/**/*.test.js'], { timeoutMs: 60000 });
  },
};
