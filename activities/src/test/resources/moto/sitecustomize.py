# Loaded by moto_server's Python (MotoServerExtension puts this folder on PYTHONPATH). Two moto 5 gaps, nothing else:
# 1. moto_server registers a service's CloudFormation resource types only once that service has been called, so a
#    stack with an AWS::KMS::Key fails on a fresh server; importing the models registers them up front.
# 2. moto ignores AWS::SageMaker::Endpoint's EndpointName property and invents a name; real CloudFormation honours it,
#    and the adapters rely on the deterministic name, so the property is honoured here too.
try:
    import moto.kms.models, moto.cloudwatch.models, moto.iam.models, moto.s3.models, moto.sns.models  # noqa: F401
    import moto.sagemaker.models as _sagemaker

    _sagemaker.FakeEndpoint.cloudformation_name_type = staticmethod(lambda: "EndpointName")
except Exception as e:  # a newer moto may have changed; the tests then show what broke
    import sys

    print("safedeploy moto shim not applied: %r" % (e,), file=sys.stderr)
