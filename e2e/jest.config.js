const preset = require('../jest.preset.js')(__dirname);

// The fault-injection suite (~90 s, kills processes and RabbitMQ connections) runs on its own:
// `npm run test:faults`. It is not yet stable enough under a loaded CI machine to gate every
// change (see README, Reliability).
module.exports = process.env.ORDERPULSE_FAULTS === '1' ? preset : { ...preset, testPathIgnorePatterns: ['/node_modules/', '/test/faults\\.test\\.ts$'] };
