import { randomUUID } from 'node:crypto';
import { withMongoDatabase } from '../persistence/mongo-connection.js';

/** Drops test databases; a database that is not there is fine. */
export async function dropMongoDatabases(url: string, databases: string[]): Promise<void> {
  const { default: mongoose } = await import('mongoose');
  for (const database of databases) {
    const connection = await mongoose.createConnection(withMongoDatabase(url, database), { serverSelectionTimeoutMS: 5_000 }).asPromise();
    try {
      await connection.dropDatabase();
    } finally {
      await connection.close();
    }
  }
}

/** A database name no other test (or concurrent run) uses, and how to drop it afterwards. */
export function aTestDatabase(url: string, label: string): { name: string; drop(): Promise<void> } {
  const name = `${label}-test-${randomUUID().slice(0, 8)}`;
  return { name, drop: () => dropMongoDatabases(url, [name]) };
}
