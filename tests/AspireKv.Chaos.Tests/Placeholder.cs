namespace AspireKv.Chaos.Tests;
