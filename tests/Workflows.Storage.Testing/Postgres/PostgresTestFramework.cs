using Xunit.Abstractions;
using Xunit.Sdk;

namespace Workflows.Storage.Testing.Postgres;

/// <summary>
/// The xunit test framework of test assemblies that need PostgreSQL. Where <see cref="PostgresBinaries.SkipReason"/> is
/// set (no binaries, not CI), every test of the assembly — inherited shared-suite tests included — is discovered as
/// skipped with that reason, so <c>dotnet test</c> lists it as skipped instead of failing. Otherwise it is plain xunit.
/// Use it with <c>[assembly: TestFramework(PostgresTestFramework.TypeName, PostgresTestFramework.AssemblyName)]</c>.
/// </summary>
public sealed class PostgresTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    /// <summary>This type's full name, for <see cref="TestFrameworkAttribute"/>.</summary>
    public const string TypeName = "Workflows.Storage.Testing.Postgres.PostgresTestFramework";

    /// <summary>This type's assembly name, for <see cref="TestFrameworkAttribute"/>.</summary>
    public const string AssemblyName = "Workflows.Storage.Testing";

    /// <inheritdoc />
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        protected override bool FindTestsForMethod(
            ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (PostgresBinaries.SkipReason is not { } reason)
            {
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            }
            if (!testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
            {
                return true;
            }
            // One skipped entry per test method (a theory's rows are not expanded).
            var skipped = new XunitSkippedDataRowTestCase(
                DiagnosticMessageSink,
                discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(),
                testMethod,
                reason);
            return ReportDiscoveredTestCase(skipped, includeSourceInformation, messageBus);
        }
    }
}
