export { startAedes, type InProcessBroker } from '@orderpulse/service-kit/testing/aedes';
