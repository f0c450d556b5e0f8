using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using NasRec.Models;
using NasRec.Runtime.Tensors;

namespace NasRec.Cli.Tests;

/// <summary>
/// TorchSharp turns a number passed to a tensor operation into a native object that nothing holds during the call, so
/// the finalizer can free it while libtorch reads it (<see cref="Scalars"/>). This reads the compiled code of every
/// shipped assembly that computes with tensors for the calls that do that.
/// </summary>
public sealed class HeldScalarsTests
{
    [Fact]
    public void NoShippedCodeHandsLibtorchANumberThatNothingHoldsDuringTheCall()
    {
        var assemblies = new[] { typeof(Scalars).Assembly, typeof(CriteoNasRecNetFull).Assembly, typeof(Program).Assembly };

        var calls = assemblies.SelectMany(assembly => UnheldNumberCalls(assembly.Location)).ToList();

        Assert.True(calls.Count == 0, "Calls that convert a number for libtorch without holding it:\n" + string.Join('\n', calls));
    }

    [Fact]
    public void TheCheckFindsAnImplicitNumberAndASquare()
    {
        var calls = UnheldNumberCalls(typeof(HeldScalarsTests).Assembly.Location).ToList();

        Assert.Contains(calls, call => call.StartsWith(nameof(Offenders) + "::" + nameof(Offenders.Fill) + " calls Scalar.op_Implicit", StringComparison.Ordinal));
        Assert.Contains(calls, call => call.StartsWith(nameof(Offenders) + "::" + nameof(Offenders.Square) + " calls Tensor.square", StringComparison.Ordinal));
        Assert.Contains(calls, call => call.StartsWith(nameof(Offenders) + "::" + nameof(Offenders.Scale) + " calls Tensor.op_Multiply", StringComparison.Ordinal));
    }

    /// <summary>
    /// "Type::Method calls Target" for each call of an implicit conversion to <c>Scalar</c> or <c>Tensor</c>, of
    /// <c>Tensor.square</c> (TorchSharp's <c>pow(2)</c>), or of a <c>Tensor</c> operator taking a number.
    /// </summary>
    private static IEnumerable<string> UnheldNumberCalls(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var flagged = new Dictionary<int, string>();
        foreach (var handle in metadata.MemberReferences)
        {
            var member = metadata.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference || member.GetKind() != MemberReferenceKind.Method) continue;
            string type = metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)member.Parent).Name);
            string name = metadata.GetString(member.Name);
            var parameters = member.DecodeMethodSignature(new TypeNames(), null).ParameterTypes;
            bool flag = (type, name) switch
            {
                ("Scalar", "op_Implicit") => true,
                ("Tensor", "op_Implicit") => parameters.Any(TypeNames.IsNumber),
                ("Tensor", "square") => true,
                ("Tensor", _) when name.StartsWith("op_", StringComparison.Ordinal) => parameters.Any(TypeNames.IsNumber),
                _ => false,
            };
            if (flag) flagged[MetadataTokens.GetToken(handle)] = $"{type}.{name}({string.Join(", ", parameters)})";
        }
        foreach (var typeHandle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(typeHandle);
            var declaring = type.GetDeclaringType();
            string typeName = declaring.IsNil ? metadata.GetString(type.Name) : metadata.GetString(metadata.GetTypeDefinition(declaring).Name);
            foreach (var methodHandle in type.GetMethods())
            {
                var method = metadata.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0) continue;
                var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader();
                while (il.RemainingBytes > 0)
                {
                    var opCode = ReadOpCode(ref il);
                    if (opCode is ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj)
                    {
                        if (flagged.TryGetValue(il.ReadInt32(), out var target)) yield return $"{typeName}::{metadata.GetString(method.Name)} calls {target}";
                    }
                    else SkipOperand(ref il, opCode);
                }
            }
        }
    }

    private static ILOpCode ReadOpCode(ref BlobReader il)
    {
        byte first = il.ReadByte();
        return first == 0xFE ? (ILOpCode)(0xFE00 | il.ReadByte()) : (ILOpCode)first;
    }

    private static void SkipOperand(ref BlobReader il, ILOpCode opCode)
    {
        switch (opCode)
        {
            case ILOpCode.Switch:
                il.Offset += 4 * il.ReadInt32();
                break;
            case ILOpCode.Ldc_i8 or ILOpCode.Ldc_r8:
                il.Offset += 8;
                break;
            case ILOpCode.Ldarg_s or ILOpCode.Ldarga_s or ILOpCode.Starg_s or ILOpCode.Ldloc_s or ILOpCode.Ldloca_s or ILOpCode.Stloc_s
                or ILOpCode.Ldc_i4_s or ILOpCode.Unaligned
                or (>= ILOpCode.Br_s and <= ILOpCode.Blt_un_s) or ILOpCode.Leave_s:
                il.Offset += 1;
                break;
            case ILOpCode.Ldarg or ILOpCode.Ldarga or ILOpCode.Starg or ILOpCode.Ldloc or ILOpCode.Ldloca or ILOpCode.Stloc:
                il.Offset += 2;
                break;
            case ILOpCode.Ldc_i4 or ILOpCode.Ldc_r4 or (>= ILOpCode.Br and <= ILOpCode.Blt_un) or ILOpCode.Leave
                or ILOpCode.Jmp or ILOpCode.Calli or ILOpCode.Ldstr or ILOpCode.Ldtoken or ILOpCode.Ldftn or ILOpCode.Ldvirtftn
                or ILOpCode.Cpobj or ILOpCode.Ldobj or ILOpCode.Castclass or ILOpCode.Isinst or ILOpCode.Unbox or ILOpCode.Unbox_any
                or ILOpCode.Ldfld or ILOpCode.Ldflda or ILOpCode.Stfld or ILOpCode.Ldsfld or ILOpCode.Ldsflda or ILOpCode.Stsfld
                or ILOpCode.Stobj or ILOpCode.Box or ILOpCode.Newarr or ILOpCode.Ldelema or ILOpCode.Ldelem or ILOpCode.Stelem
                or ILOpCode.Refanyval or ILOpCode.Mkrefany or ILOpCode.Initobj or ILOpCode.Constrained or ILOpCode.Sizeof:
                il.Offset += 4;
                break;
        }
    }

    /// <summary>Parameter types by name, enough to tell numbers apart.</summary>
    private sealed class TypeNames : ISignatureTypeProvider<string, object?>
    {
        public static bool IsNumber(string type) => type is "Byte" or "SByte" or "Int16" or "Int32" or "Int64" or "Single" or "Double" or "Boolean";

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeDefinition(handle).Name);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeReference(handle).Name);
        public string GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) => "spec";
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;
        public string GetGenericTypeParameter(object? context, int index) => "!" + index;
        public string GetGenericMethodParameter(object? context, int index) => "!!" + index;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
    }
}

/// <summary>What the check must find (never run).</summary>
internal static class Offenders
{
    public static void Fill(TorchSharp.torch.Tensor t) => t.fill_(1);

    public static TorchSharp.torch.Tensor Square(TorchSharp.torch.Tensor t) => t.square();

    public static TorchSharp.torch.Tensor Scale(TorchSharp.torch.Tensor t) => t * 0.5;
}
