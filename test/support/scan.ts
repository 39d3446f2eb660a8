/** Searches every document of every collection (as Extended JSON) for any of `needles`. */
import { expect } from 'chai';
import mongoose from 'mongoose';

export async function scanDatabase(db: mongoose.mongo.Db, needles: string[]): Promise<Array<{ collection: string; needle: string }>> {
  const hits: Array<{ collection: string; needle: string }> = [];
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  expect(collections.length, 'the scan sees collections').to.be.greaterThan(0);
  for (const { name } of collections) {
    for await (const doc of db.collection(name).find({})) {
      const text = mongoose.mongo.BSON.EJSON.stringify(doc, { relaxed: false }).toLowerCase();
      for (const n of needles) if (text.includes(n.toLowerCase())) hits.push({ collection: name, needle: n });
    }
  }
  return hits;
}
