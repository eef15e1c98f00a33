export { captureLogger, type CapturedLogger } from '@orderpulse/service-kit/testing';
