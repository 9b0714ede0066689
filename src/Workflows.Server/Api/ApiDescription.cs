using Grpc.AspNetCore.Server;
using Microsoft.OpenApi.Models;
using Microsoft.OpenApi.Writers;
using Scalar.AspNetCore;
using Swashbuckle.AspNetCore.Swagger;
using Workflows.Engine.Blocks;

namespace Workflows.Server.Api;

/// <summary>
/// The API described: <c>GET /openapi.json</c> (OpenAPI 3 of every REST path, generated from the protos' HTTP rules by
/// Microsoft.AspNetCore.Grpc.Swagger, their comments as descriptions), the reference page at <c>/docs</c> (Scalar, its
/// script served from the package: no CDN, no fonts, no telemetry) and the <c>.flow</c> JSON Schema. All anonymous.
/// </summary>
public static class ApiDescription
{
    /// <summary>Where the OpenAPI document is served.</summary>
    public const string OpenApiPath = "/openapi.json";

    private const string DocumentName = "v1";

    /// <summary>Registers the OpenAPI generator for the gRPC services' HTTP rules.</summary>
    public static IServiceCollection AddApiDescription(this IServiceCollection services)
    {
        services.AddGrpcSwagger();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "Workflows API",
                Version = "v1",
                Description = "Run AI workflows and follow their jobs. The REST paths are the gRPC services' HTTP rules "
                              + "(protos/workflows/v1). Every call needs `Authorization: Bearer <token>`. Large integers "
                              + "inside `variables` travel as doubles: pass big ids as strings.",
            });
            var contracts = System.IO.Path.Combine(AppContext.BaseDirectory, "Workflows.Contracts.xml");
            if (File.Exists(contracts))
            {
                options.IncludeXmlComments(contracts);
                options.IncludeGrpcXmlComments(contracts, includeControllerXmlComments: true);
            }

            var bearer = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token from `workflows token …` or CreateToken.",
                Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "bearer" },
            };
            options.AddSecurityDefinition("bearer", bearer);
            options.AddSecurityRequirement(new OpenApiSecurityRequirement { [bearer] = [] });
            options.OperationFilter<FirstSentenceSummary>();
            // Operation ids from the RPC names (WorkflowService_Run …), unique across the three services.
            options.CustomOperationIds(api =>
                api.ActionDescriptor.EndpointMetadata.OfType<GrpcMethodMetadata>().FirstOrDefault() is { } grpc
                    ? $"{grpc.Method.ServiceName[(grpc.Method.ServiceName.LastIndexOf('.') + 1)..]}_{grpc.Method.Name}"
                    : null);
        });
        return services;
    }

    /// <summary>Maps <c>/openapi.json</c>, <c>/docs</c> and <c>/schemas/flow.json</c>.</summary>
    public static WebApplication MapApiDescription(this WebApplication app)
    {
        app.MapGet(OpenApiPath, (ISwaggerProvider swagger, HttpRequest request) =>
        {
            var document = swagger.GetSwagger(DocumentName);
            // The REST port this document was read from: where the reference page's "try it" sends requests.
            document.Servers = [new OpenApiServer { Url = $"{request.Scheme}://{request.Host}", Description = "This server's REST port" }];
            using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
            document.SerializeAsV3(new OpenApiJsonWriter(text));
            return Results.Text(text.ToString(), "application/json");
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapScalarApiReference("/docs", options => options
                .WithTitle("Workflows API")
                .WithOpenApiRoutePattern(OpenApiPath)
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideClientButton())
            .AllowAnonymous();

        var schema = new Lazy<string>(() => FlowSchema.Build(app.Services.GetRequiredService<BlockRegistry>()).ToJsonString());
        app.MapGet(FlowSchema.Path, () => Results.Text(schema.Value, "application/schema+json")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>Keeps an rpc's whole comment as the operation's description and its first sentence as the summary,
    /// so the reference page's sidebar lists short titles.</summary>
    private sealed class FirstSentenceSummary : Swashbuckle.AspNetCore.SwaggerGen.IOperationFilter
    {
        public void Apply(OpenApiOperation operation, Swashbuckle.AspNetCore.SwaggerGen.OperationFilterContext context)
        {
            if (string.IsNullOrEmpty(operation.Summary))
            {
                return;
            }

            var comment = operation.Summary.ReplaceLineEndings(" ");
            var end = comment.IndexOf(". ", StringComparison.Ordinal);
            if (end > 0)
            {
                operation.Description = string.IsNullOrEmpty(operation.Description) ? comment : operation.Description;
                operation.Summary = comment[..(end + 1)];
            }
            else
            {
                operation.Summary = comment;
            }
        }
    }
}
