module.exports = async () => {
  for (const dep of globalThis.__ORDERPULSE_DEPS__ ?? []) if (typeof dep.stop === 'function') await dep.stop();
};
