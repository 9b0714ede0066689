using Microsoft.Data.Sqlite;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite.Tests;

/// <summary>The writer's prepared statements bind each value to its own parameter, whatever order the caller sets them in.</summary>
public sealed class RawStatementTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public RawStatementTests()
    {
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (a TEXT, b INTEGER, c TEXT, d INTEGER)";
        create.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Set_InSqlOrderThenShuffledThenPartly_BindsEachNameToItsColumn()
    {
        using var insert = new RawStatement(_connection, "INSERT INTO t (a, b, c, d) VALUES ($a, $b, $c, $d)");
        insert.Start().Set("$a", "one").Set("$b", 1).Set("$c", "uno").Set("$d", 10).ExecuteNonQuery();
        insert.Start().Set("$d", 20).Set("$c", "dos").Set("$a", "two").Set("$b", 2).ExecuteNonQuery();
        // Built at run time: equal to the SQL's names but not the same references.
        insert.Start().Set(new string(['$', 'c']), "tres").Set("$a", "three").ExecuteNonQuery();
        // No Start: the bindings of the last run stay, as they do in SQLite.
        insert.Set("$b", 3).ExecuteNonQuery();

        Assert.Equal(
            ["one|1|uno|10", "two|2|dos|20", "three||tres|", "three|3|tres|"],
            Rows());
    }

    [Fact]
    public void Set_NameUsedTwiceInSql_BindsBothPlaces()
    {
        using var insert = new RawStatement(_connection, "INSERT INTO t (a, b, c, d) VALUES ($x, $n, $x, $n)");
        insert.Start().Set("$x", "same").Set("$n", 7).ExecuteNonQuery();

        Assert.Equal(["same|7|same|7"], Rows());
    }

    [Fact]
    public void Set_UnknownName_ThrowsNamingIt()
    {
        using var insert = new RawStatement(_connection, "INSERT INTO t (a) VALUES ($a)");

        var error = Assert.Throws<ArgumentException>(() => insert.Start().Set("$nope", "x"));
        Assert.Contains("$nope", error.Message, StringComparison.Ordinal);
    }

    private List<string> Rows()
    {
        using var select = _connection.CreateCommand();
        select.CommandText = "SELECT a, b, c, d FROM t ORDER BY rowid";
        using var reader = select.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, 4).Select(i => reader.IsDBNull(i) ? "" : reader.GetValue(i).ToString())));
        }

        return rows;
    }
}
