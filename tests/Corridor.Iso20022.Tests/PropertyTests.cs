using CsCheck;
using Corridor.Iso20022.Validation;

namespace Corridor.Iso20022.Tests;

/// <summary>Properties: random valid pacs.008 models round-trip exactly and validate; random corruption never escapes as an exception.</summary>
public sealed class PropertyTests
{
    [Fact]
    public void Random_pacs008_models_round_trip_build_then_parse_identically()
    {
        Generators.Pacs008.Sample(m =>
        {
            byte[] xml = Iso20022Codec.Build(m);
            TestData.AssertSchemaValid(xml);
            var r = Iso20022Codec.Parse(xml);
            Assert.True(r.IsSuccess, string.Join("\n", r.Errors));
            Assert.Equal(m, r.Message);
        }, iter: 300, threads: 1);
    }

    private static readonly byte[][] s_seeds = [.. TestData.SampleNames.Select(TestData.Sample)];

    private static readonly Gen<(int Sample, int Op, int Pos, byte Value, int Count)[]> s_mutations =
        Gen.Select(Gen.Int[0, 1000], Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.Byte, Gen.Int[1, 64]).Array[1, 8];

    [Fact]
    public void Random_byte_mutations_never_throw_out_of_the_codec()
    {
        s_mutations.Sample(ops =>
        {
            var bytes = new List<byte>(s_seeds[ops[0].Sample % s_seeds.Length]);
            foreach (var (_, op, pos, value, count) in ops)
            {
                if (bytes.Count == 0) break;
                int at = pos % bytes.Count;
                switch (op)
                {
                    case 0: bytes[at] = value; break;
                    case 1: bytes.Insert(at, value); break;
                    case 2: bytes.RemoveRange(at, Math.Min(count, bytes.Count - at)); break;
                    case 3: bytes.RemoveRange(at, bytes.Count - at); break; // truncate
                    default: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(count, bytes.Count - at))); break; // duplicate a run
                }
            }
            var r = Iso20022Codec.Parse(bytes.ToArray());
            if (!r.IsSuccess)
            {
                Assert.NotEmpty(r.Errors);
                Assert.All(r.Errors, e => Assert.Matches("^[A-Z0-9]{4}$", e.ReasonCode));
                TestData.AssertSchemaValid(Iso20022Codec.BuildRejection(r, "CRDR-STS-FUZZ", DateTimeOffset.UnixEpoch));
            }
            else
            {
                _ = BusinessRules.Check(r.Message!);
            }
        }, iter: 2000, threads: 1);
    }
}
