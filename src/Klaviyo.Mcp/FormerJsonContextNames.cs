// The JSON contexts' former names, for the files another branch is changing at the same time (the importers, coupon
// codes, campaign authoring, serve's bearer authentication and tokens file). Once both branches are merged, rename the
// uses there (KlaviyoMcpJsonContext -> ToolJsonContext, HttpJsonContext -> ServeJsonContext) and delete this file.
global using HttpJsonContext = Klaviyo.Mcp.Http.ServeJsonContext;
global using KlaviyoMcpJsonContext = Klaviyo.Mcp.Output.ToolJsonContext;
