[assembly: AssemblyFixture(typeof(Corridor.Storage.Postgres.Tests.PostgresFixture))]
