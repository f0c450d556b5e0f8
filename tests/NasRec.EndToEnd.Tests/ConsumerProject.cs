namespace NasRec.EndToEnd.Tests;

/// <summary>
/// A console project outside the repository that compiles one <c>.arch.yaml</c> with the generator, as examples/CustomSpace does: its program
/// constructs the generated class, trains it a few steps on one random batch, and prints its parameter count and training loss.
/// </summary>
internal sealed class ConsumerProject
{
    private readonly string directory;

    private ConsumerProject(string directory) => this.directory = directory;

    /// <param name="spaces">A spaces folder: its spaces and datasets are copied, not its architectures.</param>
    /// <param name="architecture">The <c>.arch.yaml</c> file to compile; <paramref name="className"/> is its name.</param>
    public static ConsumerProject Create(string directory, string spaces, string architecture, string className)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.GetFiles(spaces, "*.space.yaml").Concat(Directory.GetFiles(spaces, "*.dataset.yaml")).Append(architecture))
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        var runtime = Path.Combine(DotnetCli.RepoRoot, "src", "NasRec.Runtime");
        var generator = Path.Combine(DotnetCli.RepoRoot, "generators", "NasRec.Dsl.Generators", "NasRec.Dsl.Generators.csproj");
        // Outside the repository nothing is inherited: the runtime's build targets come in as the NuGet package's buildTransitive would.
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Exe</OutputType>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <WarningsAsErrors>CS8785</WarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{runtime}/NasRec.Runtime.csproj" />
                <ProjectReference Include="{generator}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                <AdditionalFiles Include="*.yaml" />
              </ItemGroup>
              <Import Project="{runtime}/build/NasRec.Runtime.targets" />
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), $$"""
            using System.Globalization;
            using Consumer;
            using TorchSharp;
            using static TorchSharp.torch;

            torch.manual_seed(1);
            using var model = new {{className}}();
            long parameters = model.named_parameters().Where(p => !p.name.StartsWith("embedding.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
            Console.WriteLine($"parameters {parameters} (generated constant {{{className}}.NonEmbeddingParameters})");

            var dense = rand(256, 13);
            var ids = cat({{className}}.TableSizes.Select(rows => randint(rows, new long[] { 256, 1 })).ToArray(), 1);
            var labels = randint(2, new long[] { 256, 1 }).to_type(float32);
            using var optimizer = optim.Adagrad(model.parameters(), lr: 0.01);
            float first = 0, last = 0;
            for (int step = 0; step < 10; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = nn.functional.binary_cross_entropy_with_logits(model.call(dense, ids), labels);
                loss.backward();
                optimizer.step();
                last = loss.item<float>();
                if (step == 0) first = last;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training loss {first:0.0000} -> {last:0.0000}"));
            """);
        return new ConsumerProject(directory);
    }

    /// <summary>Builds the project alone: the runtime and the generator are built before the tests run.</summary>
    public (int ExitCode, string Output) Build() => DotnetCli.Run(directory, "build", "--nologo", "--no-dependencies", "-c", DotnetCli.Configuration);

    public (int ExitCode, string Output) Run() => DotnetCli.Run(directory, "run", "--no-build", "-c", DotnetCli.Configuration);
}
