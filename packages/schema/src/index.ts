// @recdata/schema: Versioned Protobuf schemas: parsing, Arrow mapping, compatibility rules, SQLite registry, stream resolution.
export {};
