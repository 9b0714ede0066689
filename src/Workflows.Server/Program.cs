using Workflows.Server.Hosting;

WorkflowsHost.Build(args).Run();
