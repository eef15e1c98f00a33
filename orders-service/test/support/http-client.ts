export { jsonClient as httpClient, type JsonResponse } from '@orderpulse/service-kit/testing';
