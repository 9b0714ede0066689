using Workflows.Blocks.Models;
using Workflows.Blocks.Models.Internal;

namespace Workflows.Blocks.Tests.Models;

public sealed class ModelOptionsValidatorTests
{
    [Fact]
    public void Validate_Empty_Passes() =>
        Assert.True(new ModelOptionsValidator().Validate(null, new ModelOptions()).Succeeded);

    [Fact]
    public void Validate_BadSettings_ListsEachProblem()
    {
        var options = new ModelOptions { DefaultProvider = "missing" };
        options.Providers["local"] = new ModelProviderOptions { Endpoint = "ftp://x", TimeoutSeconds = 0, MaxRetries = -1 };
        options.Prices["m"] = new ModelPrice { InputPerMillion = -1 };

        var result = new ModelOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "Workflows:Models:DefaultProvider names provider 'missing', which is not configured",
                "Workflows:Models:Providers:local:Endpoint must be an http(s) URL",
                "Workflows:Models:Providers:local:TimeoutSeconds must be positive",
                "Workflows:Models:Providers:local:MaxRetries must be between 0 and 10",
                "Workflows:Models:Prices:m must not be negative",
            ],
            result.Failures!);
    }
}
