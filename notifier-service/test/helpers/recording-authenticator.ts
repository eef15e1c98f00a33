export { recordingAuthenticator, type Login } from '@orderpulse/service-kit/testing/aedes';
