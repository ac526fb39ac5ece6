export * from './bucket-name';
export * from './bucket-retention';
export { S3CredentialKeys, SecretRequirement } from './grants';
export * from './minio-options';
export * from './minio-tenant';
export * from './minio-bucket';
export * from './cnpg-instances';
export * from './vector-engine';
export * from './vector-store';
